package io.onceonly.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import io.onceonly.stack.KafkaService;
import io.onceonly.stack.PostgresService;

/**
 * Gives a test class a running {@link TestStack}: declare a parameter of type {@link TestStack},
 * {@link KafkaService} or {@link PostgresService} on a constructor, a lifecycle method or a test.
 *
 * <pre>{@code
 * @WithStack
 * class RelayIT {
 *     @Test
 *     void relays(TestStack stack) { ... }
 * }
 * }</pre>
 *
 * The stack starts before the first test of the class and stops after the last one (or, with
 * {@link Scope#JVM}, is shared by every such class and stops when the JVM's test run ends). It is
 * never started per test method. With {@code -Donce.stack=containers} and no Docker engine the
 * class is skipped with the reason.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(StackExtension.class)
public @interface WithStack {

    /** How widely the stack is shared. */
    Scope scope() default Scope.CLASS;

    /** Lifetime of a stack started by {@link WithStack}. */
    enum Scope {
        /** One stack per test class (use when the class restarts or breaks servers). */
        CLASS,
        /** One stack for every test class of the JVM that asks for this scope. */
        JVM
    }
}
