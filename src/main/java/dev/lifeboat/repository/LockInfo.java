package dev.lifeboat.repository;

import java.time.Instant;

/** What a lock file says about its holder. */
public record LockInfo(String scope, String purpose, String owner, Instant since) {

    public String describe() {
        return purpose + " by " + ProcessOwner.parse(owner).map(o -> "host " + o.host() + ", pid " + o.pid())
                .orElse(owner) + " since " + since;
    }
}
