// Files imported `with { type: "file" }` evaluate to their path (see src/web/static.ts).
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "*.svg" {
  const path: string;
  export default path;
}
declare module "htmx.org/dist/htmx.min.js" {
  const path: string;
  export default path;
}
declare module "@alpinejs/csp/dist/cdn.min.js" {
  const path: string;
  export default path;
}

// Imported `with { type: "file" }` by src/web/static.ts: the import is the file's path.
declare module "*.js" {
  const path: string;
  export default path;
}
