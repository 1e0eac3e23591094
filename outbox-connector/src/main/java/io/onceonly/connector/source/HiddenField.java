package io.onceonly.connector.source;

import java.lang.reflect.Field;

/**
 * A field of a Debezium class that Debezium does not publish, for the few costs Debezium gives no
 * setting or factory to avoid ({@link InlineLagMeasurement}, {@link LastEventOnRead}). Each user
 * falls back to Debezium's own behaviour when a Debezium version moves the field.
 */
final class HiddenField {

    private final Field field;

    private HiddenField(Field field) {
        this.field = field;
    }

    /** The field {@code name} declared by {@code owner} itself (not inherited). */
    static HiddenField of(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return new HiddenField(f);
    }

    /** Shorthand for {@code of(owner, name).get(target)}. */
    static Object read(Class<?> owner, String name, Object target) throws ReflectiveOperationException {
        return of(owner, name).get(target);
    }

    Object get(Object target) throws IllegalAccessException {
        return field.get(target);
    }

    /** Sets it, also when final: these are instance fields of ordinary classes, which reflection may set. */
    void set(Object target, Object value) throws IllegalAccessException {
        field.set(target, value);
    }
}
