package io.onceonly.dedup.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** A Java regular expression that compiles. */
final class RegexValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        try {
            Pattern.compile(String.valueOf(value));
        } catch (PatternSyntaxException e) {
            throw new ConfigException(name, value, "is not a regular expression: " + e.getDescription());
        }
    }

    @Override
    public String toString() {
        return "a Java regular expression";
    }
}
