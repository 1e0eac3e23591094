package io.onceonly.demo.membership.report;

/**
 * One stage of the pipeline in the report: what went in, how many duplicates were born there,
 * how many it removed, what came out.
 */
public record LayerRow(String stage, String in, String created, String removed, String out) {
}
