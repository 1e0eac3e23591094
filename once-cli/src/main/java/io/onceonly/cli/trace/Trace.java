package io.onceonly.cli.trace;

import java.util.List;

/**
 * Where a biz-id went, and what it has not reached yet.
 *
 * @param sightings every place it was seen, in timeline order
 * @param missing what has not happened (yet), each a sentence: "relayed, not yet deduplicated: ..."
 * @param notes what was not looked at, or could not be told, and why
 * @param verdict one sentence: how far the fact got
 * @param lookedIn every table and topic read, so that "found nowhere" says where
 */
public record Trace(String bizId, List<Sighting> sightings, List<String> missing, List<String> notes, String verdict,
                    List<String> lookedIn) {

    /** Whether the biz-id was seen anywhere. */
    public boolean found() {
        return !sightings.isEmpty();
    }
}
