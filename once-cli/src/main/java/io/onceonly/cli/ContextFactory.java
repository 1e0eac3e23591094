package io.onceonly.cli;

import java.lang.reflect.Constructor;

import picocli.CommandLine;

/** Makes the subcommands with the {@link CliContext} they run in (picocli's own factory knows no arguments). */
final class ContextFactory implements CommandLine.IFactory {

    private final CliContext context;

    ContextFactory(CliContext context) {
        this.context = context;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            Class<?>[] parameters = constructor.getParameterTypes();
            if (parameters.length == 1 && parameters[0] == CliContext.class) {
                constructor.setAccessible(true);
                return type.cast(constructor.newInstance(context));
            }
        }
        return CommandLine.defaultFactory().create(type);
    }
}
