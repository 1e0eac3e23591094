package io.onceonly.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import io.onceonly.stack.KafkaService;
import io.onceonly.stack.PostgresService;

/**
 * JUnit 5 extension behind {@link WithStack}: starts the stack once per class or per JVM, stores
 * it where JUnit closes it, and resolves {@link TestStack}, {@link KafkaService} and
 * {@link PostgresService} parameters.
 */
public final class StackExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(StackExtension.class);
    private static final String KEY = "stack";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        StackKind kind = StackKind.fromSystemProperty();
        if (kind == StackKind.CONTAINERS && !DockerEngine.isAvailable()) {
            return ConditionEvaluationResult.disabled(DockerEngine.unavailableReason());
        }
        return ConditionEvaluationResult.enabled("stack kind " + kind);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestStack.class || type == KafkaService.class || type == PostgresService.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestStack stack = stack(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == TestStack.class) {
            return stack;
        }
        if (type == KafkaService.class) {
            return stack.kafka();
        }
        if (type == PostgresService.class) {
            return stack.postgres();
        }
        throw new ParameterResolutionException("cannot resolve " + type);
    }

    private static TestStack stack(ExtensionContext context) {
        WithStack.Scope scope = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithStack.class)
                .map(WithStack::scope).orElse(WithStack.Scope.CLASS);
        ExtensionContext owner = scope == WithStack.Scope.JVM ? context.getRoot() : classContext(context);
        // JUnit closes AutoCloseable store values when the owning context ends.
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> TestStack.start(), TestStack.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }
}
