package dev.surge.simulator.openai;

import java.io.IOException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the simulator needs from a {@code POST /v1/chat/completions} body, checked the way OpenAI
 * checks it; anything it would refuse raises {@link InvalidRequestException} with OpenAI's wording.
 *
 * @param model the model named, echoed in the answer
 * @param lastUserText text of the last user message (empty if there is none), the seed of the reply
 * @param promptTokens about a token per four characters of message content
 * @param maxTokens {@code max_completion_tokens}, else {@code max_tokens}, else null
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a stream ends with a usage chunk
 */
public record ChatRequest(String model, String lastUserText, long promptTokens, Integer maxTokens, boolean stream,
        boolean includeUsage) {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private static final String UNPARSABLE = "We could not parse the JSON body of your request. (HINT: This likely "
            + "means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
            + "sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through "
            + "our help center at help.openai.com.)";

    /** Parses and checks {@code body}. */
    public static ChatRequest parse(ObjectMapper mapper, byte[] body) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : mapper.readTree(body);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException(UNPARSABLE, null, null);
        }
        JsonNode model = root.get("model");
        if (model == null || model.isNull()) {
            throw new InvalidRequestException("you must provide a model parameter", null, null);
        }
        if (!model.isTextual()) {
            throw invalidType("model", "a string", model);
        }
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw new InvalidRequestException("Missing required parameter: 'messages'.", "messages",
                    "missing_required_parameter");
        }
        if (!messages.isArray()) {
            throw invalidType("messages", "an array of objects", messages);
        }
        if (messages.isEmpty()) {
            throw new InvalidRequestException("Invalid 'messages': empty array. Expected an array with minimum length 1, "
                    + "but got an empty array instead.", "messages", "empty_array");
        }
        long chars = 0;
        String lastUserText = "";
        for (int i = 0; i < messages.size(); i++) {
            String param = "messages[" + i + "]";
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw invalidType(param, "an object", message);
            }
            JsonNode role = message.get("role");
            if (role == null || role.isNull()) {
                throw missing(param + ".role");
            }
            if (!role.isTextual() || !ROLES.contains(role.asText())) {
                throw new InvalidRequestException("Invalid value: '" + role.asText() + "'. Supported values are: "
                        + "'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", param + ".role",
                        "invalid_value");
            }
            String text = content(message.get("content"), param + ".content", role.asText());
            chars += text.length();
            if ("user".equals(role.asText())) {
                lastUserText = text;
            }
        }
        Integer maxTokens = maxTokens(root, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = maxTokens(root, "max_tokens");
        }
        boolean stream = bool("stream", root.get("stream"));
        JsonNode streamOptions = root.get("stream_options");
        boolean includeUsage = false;
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) {
                throw invalidType("stream_options", "an object", streamOptions);
            }
            includeUsage = bool("stream_options.include_usage", streamOptions.get("include_usage"));
        }
        return new ChatRequest(model.asText(), lastUserText, Math.max(1, (chars + 3) / 4), maxTokens, stream,
                includeUsage);
    }

    private static String content(JsonNode content, String param, String role) {
        if (content == null || content.isNull()) {
            if ("assistant".equals(role)) {
                return "";
            }
            throw missing(param);
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw invalidType(param, "one of a string or array of objects", content);
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            JsonNode partText = part.get("text");
            if (partText != null && partText.isTextual()) {
                text.append(partText.asText());
            }
        }
        return text.toString();
    }

    private static Integer maxTokens(JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalidType(name, "an integer", value);
        }
        if (value.asInt() < 1) {
            throw new InvalidRequestException("Invalid '" + name + "': integer below minimum value. Expected a value >= 1, "
                    + "but got " + value.asInt() + " instead.", name, "integer_below_min_value");
        }
        return value.asInt();
    }

    private static boolean bool(String name, JsonNode value) {
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalidType(name, "a boolean", value);
        }
        return value.asBoolean();
    }

    private static InvalidRequestException missing(String param) {
        return new InvalidRequestException("Missing required parameter: '" + param + "'.", param,
                "missing_required_parameter");
    }

    private static InvalidRequestException invalidType(String param, String expected, JsonNode actual) {
        return new InvalidRequestException("Invalid type for '" + param + "': expected " + expected + ", but got "
                + typeName(actual) + " instead.", param, "invalid_type");
    }

    private static String typeName(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "null";
        };
    }
}
