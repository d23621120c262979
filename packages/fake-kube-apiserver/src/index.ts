/** Placeholder entry point; filled in by its issue. @packageDocumentation */
export {};
