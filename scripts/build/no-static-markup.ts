/**
 * Build step that keeps every `innerHTML` write out of the extension (web-ext lint's UNSAFE_VAR_ASSIGNMENT, a
 * question for every AMO reviewer). Vue's compiler turns long runs of static elements into one HTML string
 * (`createStaticVNode`), which the runtime parses with `innerHTML` in `nodeOps.insertStaticContent`. The supported
 * switch is the compiler's `hoistStatic: false` (Vue's DOM compiler only stringifies what it hoists); with it no
 * template of Beacon's compiles to markup, so that runtime function is unreachable, and this step replaces its body
 * with an error that says why, instead of leaving an unused `innerHTML` write in the package.
 */
import type { Plugin } from 'vite';

/** Template compiler options for the build (and the unit test that checks what they compile to). */
export const VUE_COMPILER_OPTIONS = {
  // Static elements are created as elements, never parsed from an HTML string. The cost: they are not cached
  // between renders (a popup of a few dozen elements renders a handful of times).
  hoistStatic: false,
} as const;

/** The method in `@vue/runtime-dom`'s `nodeOps`, up to its closing brace at the object's indentation. */
const INSERT_STATIC_CONTENT =
  /\n {2}insertStaticContent\(content, parent, anchor, namespace, start, end\) \{\n[\s\S]*?\n {2}\}\n/g;

const UNREACHABLE = `
  insertStaticContent() {
    // Beacon compiles templates with hoistStatic: false, so no static markup string exists to insert
    // (scripts/build/no-static-markup.ts).
    throw new Error("Beacon: static HTML content is disabled (Vue compiler option hoistStatic: false)");
  }
`;

/** The runtime module with `insertStaticContent` replaced; throws when it is not there exactly once. */
export function withoutStaticMarkupInsertion(source: string): string {
  const found = source.match(INSERT_STATIC_CONTENT) ?? [];
  if (found.length !== 1 || !found[0]!.includes('.innerHTML = ')) {
    throw new Error(
      `@vue/runtime-dom: expected one insertStaticContent writing innerHTML, found ${found.length}; ` +
        'check scripts/build/no-static-markup.ts against this Vue version',
    );
  }
  return source.replace(INSERT_STATIC_CONTENT, UNREACHABLE);
}

/** Vite plugin: applies {@link withoutStaticMarkupInsertion} to the runtime-dom module a production build bundles. */
export function noStaticMarkup(): Plugin {
  return {
    name: 'beacon:no-static-markup',
    apply: 'build',
    transform(code, id) {
      if (!/[\\/]@vue[\\/]runtime-dom[\\/]dist[\\/]runtime-dom\.esm-bundler\.js$/.test(id)) return null;
      return { code: withoutStaticMarkupInsertion(code), map: null };
    },
  };
}
