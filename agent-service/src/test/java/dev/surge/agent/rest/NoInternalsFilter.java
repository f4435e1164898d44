package dev.surge.agent.rest;

import java.util.regex.Pattern;

import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Fails a test whose request got an answer naming a Java exception, a Java package or a stack frame: whatever goes
 * wrong, a caller sees a problem+json written for people. Every request of the REST tests passes through it.
 */
final class NoInternalsFilter implements Filter {

    static final NoInternalsFilter INSTANCE = new NoInternalsFilter();

    /** A class name ending in Exception/Error/Failure, a package of the stack, or a stack frame. */
    static final Pattern INTERNALS = Pattern.compile(
            "[A-Za-z]+(Exception|Error|Failure)\\b|\\b(java|javax|jakarta|io|org|com|dev)\\.[a-z]+\\.[a-z]|\\.java:\\d+");

    private NoInternalsFilter() {
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
            FilterContext context) {
        Response answer = context.next(request, response);
        assertClean(request.getMethod() + " " + request.getURI(), answer.asString());
        return answer;
    }

    /** Throws when {@code body} names internals. */
    static void assertClean(String what, String body) {
        var found = INTERNALS.matcher(body == null ? "" : body);
        if (found.find()) {
            throw new AssertionError(what + " answered with internals ('" + found.group() + "'): " + body);
        }
    }
}
