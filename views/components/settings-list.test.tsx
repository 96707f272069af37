/** @jsxImportSource hono/jsx */
import { describe, expect, test } from "bun:test";
import { CardForm, FormCard, PostButton, RowActions, SettingsTable } from "./settings-list.tsx";

const html = (node: unknown) => String(node);

describe("SettingsTable", () => {
  const table = (items: string[]) =>
    html(
      <SettingsTable
        items={items}
        label="Things"
        id="things-table"
        columns={["Name", null, { label: "Actions", class: "col-actions", hidden: true }]}
        row={(name) => (
          <tr data-name={name}>
            <td>{name}</td>
          </tr>
        )}
        empty={{ icon: "layers", title: "No things yet", text: <>Add one <code>below</code>.</>, short: true }}
      />,
    );

  test("without items: the empty state in its own card, no table", () => {
    const out = table([]);
    expect(out).toContain('<section class="card card-empty card-empty-short">');
    expect(out).toContain('<h2 class="empty-title">No things yet</h2>');
    expect(out).toContain("Add one <code>below</code>.");
    expect(out).not.toContain("<table");
  });

  test("with items: one row each under the headings; null columns left out, hidden ones for screen readers only", () => {
    const out = table(["a", "<b>"]);
    expect(out).toContain('<section class="card table-card" aria-label="Things"><table class="table" id="things-table">');
    expect(out).toContain('<thead><tr><th scope="col">Name</th><th scope="col" class="col-actions"><span class="visually-hidden">Actions</span></th></tr></thead>');
    expect(out.match(/<tr data-name=/g)?.length).toBe(2);
    expect(out).toContain("<td>&lt;b&gt;</td>");
    expect(out).not.toContain("card-empty");
  });
});

describe("RowActions and PostButton", () => {
  test("Edit links to the row; Delete posts with the CSRF field and asks first (escaped)", () => {
    const out = html(<RowActions csrf="tok" edit="/things/1" delete="/things/1/delete" confirm={'Delete "<x>"?'} />);
    expect(out).toBe(
      '<div class="settings-row-actions"><a class="btn btn-sm btn-secondary" href="/things/1">Edit</a>' +
        '<form method="post" action="/things/1/delete" class="settings-inline-form"><input type="hidden" name="_csrf" value="tok"/>' +
        '<button type="submit" class="btn btn-sm btn-danger-soft" data-confirm="Delete &quot;&lt;x&gt;&quot;?">Delete</button></form></div>',
    );
  });

  test("either action may be left out; a button without confirm does not ask", () => {
    expect(html(<RowActions csrf="tok" edit="/things/1" editLabel="Open" />)).toBe('<div class="settings-row-actions"><a class="btn btn-sm btn-secondary" href="/things/1">Open</a></div>');
    const only = html(<RowActions csrf="tok" delete="/things/1/delete" confirm="Sure?" />);
    expect(only).not.toContain("<a ");
    expect(only).toContain('data-confirm="Sure?"');
    expect(html(<PostButton action="/go" csrf="tok" label="Go" />)).toBe('<form method="post" action="/go"><input type="hidden" name="_csrf" value="tok"/><button type="submit" class="btn btn-sm">Go</button></form>');
  });
});

describe("FormCard and CardForm", () => {
  test("a narrow card labelled by its heading, with a subtitle and header actions; the form posts with CSRF and one submit", () => {
    const out = html(
      <FormCard headingId="add-heading" title="Add thing" subtitle="Things are nice." actions={<a href="/back">Back</a>}>
        <CardForm action="/things" csrf="tok" id="add-form" submit="Create" attrs={{ "x-data": "thingForm" }}>
          <input name="name" />
        </CardForm>
      </FormCard>,
    );
    expect(out).toBe(
      '<section class="card narrow" aria-labelledby="add-heading"><header class="card-header"><div><h2 id="add-heading" class="card-title">Add thing</h2>' +
        '<p class="card-subtitle">Things are nice.</p></div><a href="/back">Back</a></header>' +
        '<form method="post" action="/things" class="card-body stack" novalidate="" id="add-form" x-data="thingForm"><input type="hidden" name="_csrf" value="tok"/>' +
        '<input name="name"/><div class="form-actions"><button type="submit" class="btn btn-primary">Create</button></div></form></section>',
    );
    expect(html(<FormCard headingId="h" title="T" wide class="extra">x</FormCard>)).toStartWith('<section class="card extra" aria-labelledby="h"><header class="card-header"><h2 id="h"');
  });
});
