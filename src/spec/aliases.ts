/**
 * Anchors and aliases, resolved in one pass over the document: each alias
 * becomes the node its anchor names, so the decoders see that node itself.
 *
 * yaml's own `maxAliasCount` guards only its toJS(), which the decoders do not
 * use (they keep every node's range), and `Alias.resolve` walks the whole
 * document for every alias. This pass is linear, refuses an alias inside the
 * value it names, and counts what aliases add: nested aliases multiply ("a
 * billion laughs"), and the decoders walk every expanded value. readYaml
 * bounds how many aliases there are.
 */
import { type Document, type Node, isAlias, isMap, isPair, isScalar, isSeq } from "yaml";
import type { Report } from "./decode-field.js";
import { MAX_ALIAS_EXPANSION, shortName } from "./limits.js";

/** Replaces every alias in `doc` by its anchored node; returns false when a problem was reported. */
export function resolveAliases(doc: Document.Parsed, report: Report): boolean {
  const anchors = new Map<string, Node>();
  // Each anchored node's size with its aliases expanded, once the node is complete.
  const sizes = new Map<Node, number>();
  // The collections being walked: an alias of one of them would contain itself.
  const open = new Set<Node>();
  let added = 0;
  let ok = true;
  let stopped = false;

  // The node to put in place of `node`, and its expanded size.
  const walk = (node: unknown): [unknown, number] => {
    if (stopped || node === null || typeof node !== "object") return [node, 1];
    if (isAlias(node)) {
      const name = shortName(node.source);
      const fail = (problem: { message: string; hint?: string }, stop: boolean): [unknown, number] => {
        report(node, "", problem);
        ok = false;
        stopped ||= stop;
        return [node, 1];
      };
      const target = anchors.get(node.source);
      if (target === undefined) return fail({ message: `alias *${name} has no anchor &${name} before it` }, false);
      if (open.has(target)) return fail({ message: `alias *${name} is inside the value &${name} names, so that value would never end`, hint: `move the alias out of &${name}` }, false);
      const size = sizes.get(target) ?? 1;
      added += size;
      if (added > MAX_ALIAS_EXPANSION) {
        return fail({ message: `aliases expand the spec by more than ${MAX_ALIAS_EXPANSION} values here`, hint: "an alias of a value full of aliases multiplies them; alias plain values" }, true);
      }
      return [target, size];
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node) && !isPair(node)) return [node, 1];
    if (!isPair(node) && node.anchor !== undefined) anchors.set(node.anchor, node);
    let size = 1;
    if (isMap(node) || isSeq(node)) {
      open.add(node);
      const items: unknown[] = node.items;
      for (let i = 0; i < items.length; i++) {
        const [item, itemSize] = walk(items[i]);
        items[i] = item;
        size += itemSize;
      }
      open.delete(node);
    } else if (isPair(node)) {
      const [key, keySize] = walk(node.key);
      const [value, valueSize] = walk(node.value);
      node.key = key;
      node.value = value;
      size = keySize + valueSize;
    }
    if (!isPair(node) && node.anchor !== undefined) sizes.set(node, size);
    return [node, size];
  };

  const [contents] = walk(doc.contents);
  doc.contents = contents as typeof doc.contents;
  return ok;
}
