/** @jsxImportSource hono/jsx */
import { describe, expect, test } from "bun:test";
import { Field, SelectField } from "./form.tsx";

const html = (node: unknown) => String(node);

describe("Field", () => {
  test("its id is f-<name> unless given; the error names it for screen readers", () => {
    expect(html(<Field label="Name" name="name" value="" />)).toContain('<label for="f-name">Name</label>');
    const out = html(<Field id="f-capacity-name" label="Name" name="name" value="x" errors={{ name: "Can't be blank." }} />);
    expect(out).toContain('<label for="f-capacity-name">Name</label>');
    expect(out).toContain('id="f-capacity-name" name="name"');
    expect(out).toContain('aria-describedby="f-capacity-name-error"');
    expect(out).toContain('<p class="field-error" id="f-capacity-name-error">Can&#39;t be blank.</p>');
  });
});

describe("SelectField", () => {
  const options: [string, string][] = [
    ["", "None"],
    ["1", "<b>Day</b> shift"],
  ];

  test("the current value selected, labels escaped, the hint under it", () => {
    const out = html(<SelectField label="Policy" name="policy_id" value="1" options={options} hint="Pick one." />);
    expect(out).toContain('<label for="f-policy_id">Policy</label>');
    expect(out).toContain('<select class="select" id="f-policy_id" name="policy_id" aria-describedby="f-policy_id-hint">');
    expect(out).toContain('<option value="1" selected="">&lt;b&gt;Day&lt;/b&gt; shift</option>');
    expect(out).toContain('<option value="">None</option>');
    expect(out).toContain('<p class="field-hint" id="f-policy_id-hint">Pick one.</p>');
  });

  test("an error replaces the hint and marks the field", () => {
    const out = html(<SelectField id="f-policy-7" label="Policy" name="policy_id" value="" options={options} hint="Pick one." errors={{ policy_id: "Is not a policy of this account." }} />);
    expect(out).toContain('<div class="field has-error">');
    expect(out).toContain('id="f-policy-7" name="policy_id" aria-invalid="true" aria-describedby="f-policy-7-error"');
    expect(out).toContain('<p class="field-error" id="f-policy-7-error">Is not a policy of this account.</p>');
    expect(out).not.toContain("Pick one.");
  });
});
