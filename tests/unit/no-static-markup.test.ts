// @vitest-environment node
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from 'vue/compiler-sfc';
import { VUE_COMPILER_OPTIONS, withoutStaticMarkupInsertion } from '../../scripts/build/no-static-markup';

/** 21 static elements in a row: past Vue's threshold (20 nodes) for turning them into one HTML string. */
const LONG_STATIC_TEMPLATE = `<ul>${Array.from({ length: 21 }, (_, i) => `<li class="row">Row ${i}</li>`).join('')}<li>{{ n }}</li></ul>`;

const compile = (compilerOptions: object) =>
  compileTemplate({ source: LONG_STATIC_TEMPLATE, filename: 'Long.vue', id: 'long', compilerOptions }).code;

/** The runtime module Vite bundles for `vue` in a production build. */
const RUNTIME_DOM = readFileSync(
  createRequire(import.meta.url).resolve('@vue/runtime-dom/dist/runtime-dom.esm-bundler.js'),
  'utf8',
);

describe("Vue's static markup (web-ext lint's innerHTML warning)", () => {
  it('the build compiles a long static run to elements, never to an HTML string', () => {
    // Vue's defaults do stringify it: the option below is what stops it.
    expect(compile({})).toContain('createStaticVNode');
    const code = compile(VUE_COMPILER_OPTIONS);
    expect(code).not.toContain('createStaticVNode');
    expect(code).toContain('Row 20');
  });

  it("the runtime's insertStaticContent writes no innerHTML and fails loudly if it is ever reached", () => {
    expect(RUNTIME_DOM).toMatch(/\.innerHTML = /);
    const patched = withoutStaticMarkupInsertion(RUNTIME_DOM);
    expect(patched).not.toMatch(/\.innerHTML\s*=/);
    expect(patched).toContain('insertStaticContent() {');
    expect(patched.length).toBeLessThan(RUNTIME_DOM.length);
    // Everything else of the module is kept as it was.
    expect(patched.slice(0, RUNTIME_DOM.indexOf('insertStaticContent('))).toBe(
      RUNTIME_DOM.slice(0, RUNTIME_DOM.indexOf('insertStaticContent(')),
    );
  });

  it('refuses a runtime whose insertStaticContent it does not recognise (a Vue update), rather than ship it', () => {
    expect(() => withoutStaticMarkupInsertion('export const nodeOps = {}')).toThrow(/insertStaticContent/);
    const twice = RUNTIME_DOM + RUNTIME_DOM;
    expect(() => withoutStaticMarkupInsertion(twice)).toThrow(/insertStaticContent/);
  });
});
