package dev.winrpc.async.testing;

import java.util.List;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * {@link SimulatorOracleExtension}'s first half for jqwik, whose properties JUnit Jupiter's
 * extensions do not reach (registered for every property through
 * META-INF/services/net.jqwik.api.lifecycle.LifecycleHook): before every try, the simulator plays
 * the behaviours {@value SimBehaviours#PROPERTY} names ({@link SimBehaviours#apply()}; a try
 * resets the simulator when it ends, property/ScenarioRunner), and each property's report
 * records them as "{@value SimBehaviours#REPORT_KEY}".
 */
public final class SimBehavioursHook implements AroundPropertyHook, AroundTryHook {

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        context.reporter().publishValue(SimBehaviours.REPORT_KEY, SimBehaviours.names(SimBehaviours.requested()));
        return property.execute();
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        SimBehaviours.apply();
        return aTry.execute(parameters);
    }
}
