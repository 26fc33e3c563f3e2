// The import graph of a TypeScript tree, read with the compiler's own pre-processor, and the layer rules checked over it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** One import: `from` and a relative `to` are paths under the root ('store/papers.ts'); a package keeps its name ('node:fs'). */
export interface Edge {
  from: string;
  to: string;
}

/** A layer rule: no module under `from` imports anything `forbid` names. A name ending in '/' is a folder, else a file or package. */
export interface Rule {
  name: string;
  from: string[];
  /** Modules under `from` that the rule leaves out. */
  except?: string[];
  forbid: string[];
}

/** A known breach of a rule, allowed until the module moves; it must still exist, so a fixed one is taken off the list. */
export interface Exception extends Edge {
  why: string;
}

/** Every import (value, type-only, re-export, dynamic) of every .ts file under `root`, once per pair of modules. */
export function importGraph(root: string): Edge[] {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => f.split('\\').join('/'));
  return files.flatMap((from) => {
    const targets = ts.preProcessFile(readFileSync(join(root, from), 'utf8'), true, true).importedFiles.map((i) => resolveImport(from, i.fileName));
    return [...new Set(targets)].map((to) => ({ from, to }));
  });
}

/** The root-relative .ts path of a relative specifier ('../store/papers.js' → 'store/papers.ts'); a package name as it is. */
export function resolveImport(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return posix.join(posix.dirname(from), specifier).replace(/\.js$/, '.ts');
}

/** True when `path` is, or lies under, what `pattern` names. */
function matches(path: string, pattern: string): boolean {
  return pattern.endsWith('/') ? path.startsWith(pattern) : path === pattern || path.startsWith(`${pattern}/`);
}

/** The edges that break a rule and are not excepted, each with the rule's name. */
export function breaches(edges: Edge[], rules: Rule[], exceptions: Exception[] = []): string[] {
  const excepted = (e: Edge) => exceptions.some((x) => x.from === e.from && x.to === e.to);
  return rules.flatMap((rule) => edges
    .filter((e) => rule.from.some((f) => matches(e.from, f)) && !(rule.except ?? []).some((f) => matches(e.from, f)) && rule.forbid.some((f) => matches(e.to, f)) && !excepted(e))
    .map((e) => `${rule.name}: ${e.from} imports ${e.to}`));
}

/** Exceptions whose edge no longer exists: they should be deleted. */
export function staleExceptions(edges: Edge[], exceptions: Exception[]): string[] {
  return exceptions.filter((x) => !edges.some((e) => e.from === x.from && e.to === x.to)).map((x) => `${x.from} → ${x.to}`);
}

/** The groups of files that import each other in a circle (strongly connected components of two or more files), sorted. */
export function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  // Tarjan's algorithm: one depth-first pass; a file whose lowest reachable index is its own closes a component.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (stack.includes(to)) low.set(file, Math.min(low.get(file)!, index.get(to)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const group = stack.splice(stack.indexOf(file));
    if (group.length > 1) groups.push(group.sort());
  };
  for (const file of next.keys()) if (!index.has(file)) visit(file);
  return groups;
}

/** The folder an import graph's file belongs to ('mail/sender.ts' → 'mail/'); a file at the root is its own unit. */
export function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(0, slash + 1);
}

/** The graph between folders: an edge for each pair of folders (or root files) that one file of the first imports a
 *  file of the second; imports inside a folder and of packages are left out. */
export function folderGraph(edges: Edge[]): Edge[] {
  const pairs = edges.filter((e) => e.to.endsWith('.ts')).map((e) => ({ from: folderOf(e.from), to: folderOf(e.to) })).filter((e) => e.from !== e.to);
  return [...new Map(pairs.map((e) => [`${e.from} ${e.to}`, e])).values()];
}
