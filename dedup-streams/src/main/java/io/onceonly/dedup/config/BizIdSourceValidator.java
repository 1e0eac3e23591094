package io.onceonly.dedup.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** {@code header}, or {@code json:} followed by a JSON pointer. */
final class BizIdSourceValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        String text = String.valueOf(value);
        if (text.equals("header")) {
            return;
        }
        if (text.startsWith("json:/") && text.length() > "json:/".length()) {
            return;
        }
        throw new ConfigException(name, value, "must be header or json:<JSON pointer>, for example json:/paymentId");
    }

    @Override
    public String toString() {
        return "header | json:/pointer";
    }
}
