package dev.surge.agent.security;

import io.quarkus.vertx.http.runtime.security.ChallengeData;

/** The {@code WWW-Authenticate} challenge of a 401 (RFC 6750), one definition for every path that answers one. */
public final class Challenges {

    /** The realm named in the challenge. */
    public static final String REALM = "surge";

    private Challenges() {
    }

    /** The challenge header value: bare when credentials were missing, {@code invalid_token} when they failed. */
    public static String header(boolean invalidCredentials) {
        return "Bearer realm=\"" + REALM + "\"" + (invalidCredentials ? ", error=\"invalid_token\"" : "");
    }

    /** The challenge as a mechanism returns it. */
    static ChallengeData unauthorized(boolean invalidCredentials) {
        return new ChallengeData(401, "WWW-Authenticate", header(invalidCredentials));
    }
}
