import { describe, expect, test } from "bun:test";
import { renderVariables, type VariableDrops } from "./variables.ts";

const drops: VariableDrops = {
  contact: { id: 7, name: "casey van der Berg", email: "casey@example.com", phone_number: "+15550001111" },
  agent: { id: 3, name: "Alex Agent" },
  conversation: { id: 99, display_id: 12, custom_attributes: { plan: "gold" } },
  inbox: { id: 2, name: "Support" },
};

describe("message variables (Chatwoot's Liquid drops)", () => {
  test("contact, agent, conversation and inbox values", () => {
    expect(renderVariables("Hi {{contact.first_name}} {{ contact.last_name }}, I am {{agent.name}} from {{inbox.name}}.", drops)).toBe(
      "Hi casey Berg, I am Alex Agent from Support.",
    );
    expect(renderVariables("{{contact.email}} {{contact.phone_number}} {{contact.id}} #{{conversation.display_id}} #{{conversation.id}}", drops)).toBe(
      "casey@example.com +15550001111 7 #12 #12",
    );
    expect(renderVariables("{{conversation.contact_name}} on {{conversation.custom_attribute.plan}}", drops)).toBe("Casey van der Berg on gold");
  });

  test("unknown or empty values render as nothing, or as the default filter's text", () => {
    expect(renderVariables("[{{contact.nickname}}] [{{order.id}}]", drops)).toBe("[] []");
    const anonymous = { ...drops, contact: { id: 8, name: null, email: null, phone_number: null } };
    expect(renderVariables("Hi {{contact.first_name | default: 'there'}}!", anonymous)).toBe("Hi there!");
    expect(renderVariables('Hi {{contact.name | default: "friend"}}!', drops)).toBe("Hi casey van der Berg!");
    expect(renderVariables("{{conversation.contact_name}}", anonymous)).toBe("Customer");
  });

  test("code spans and text that is not a variable stay as written", () => {
    expect(renderVariables("Type `{{contact.name}}` in a canned response", drops)).toBe("Type `{{contact.name}}` in a canned response");
    expect(renderVariables("```\n{{agent.name}}\n```", drops)).toBe("```\n{{agent.name}}\n```");
    expect(renderVariables("{{ 1 + 1 }} {{contact}} {% if x %}", drops)).toBe("{{ 1 + 1 }} {{contact}} {% if x %}");
    expect(renderVariables("a \u00000\u0000 b {{agent.id}}", drops)).toBe("a \u00000\u0000 b 3");
  });
});
