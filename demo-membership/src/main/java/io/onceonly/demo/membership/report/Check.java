package io.onceonly.demo.membership.report;

/**
 * One line of the verdict.
 *
 * @param claim what must be true
 * @param holds whether it is
 * @param evidence the figures it was judged on
 */
public record Check(String claim, boolean holds, String evidence) {
}
