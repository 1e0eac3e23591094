package io.onceonly.cli;

import java.io.PrintWriter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code --json} output of every subcommand: one pretty-printed document on the output stream. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** A new object, to fill and print. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The mapper, for reading JSON a person gives (a repaired value). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static void print(PrintWriter out, Object document) {
        try {
            out.println(MAPPER.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
