/**
 * An image's filesystem as its layers build it, kept as a tree so that every
 * entry costs work in proportion to its own path and to what it removes:
 * whiteouts delete a path and all under it, an opaque marker empties a
 * directory of what lower layers put there, and a file replacing a directory
 * replaces all of it that lower layers put there.
 */

/** The part of an image file the tree needs. */
export interface LayerFile {
  readonly path: string;
  readonly type: "file" | "symlink" | "directory" | "other";
}

interface Node<F> {
  file: F | undefined;
  children: Map<string, Node<F>> | undefined;
  /** The layer that last wrote this path; -1 for none. */
  written: number;
  /** The layer in which everything lower layers put under this path was removed; -1 for none. */
  cleared: number;
}

const node = <F>(): Node<F> => ({ file: undefined, children: undefined, written: -1, cleared: -1 });
const parts = (path: string): string[] => path.split("/").filter(Boolean);

/** Layers applied in order: call `nextLayer` before each layer's entries. Paths are clean and absolute ("/a/b"). */
export class LayeredTree<F extends LayerFile> {
  private readonly root: Node<F> = node();
  private layer = -1;

  nextLayer(): void {
    this.layer++;
  }

  /** The file at `path` now, if any. */
  get(path: string): F | undefined {
    return this.find(path)?.node.file;
  }

  /** Write `file` at its path; anything but a directory first removes what lower layers had under it. */
  put(file: F): void {
    let n = this.root;
    let clearedAbove = n.cleared === this.layer;
    for (const name of parts(file.path)) {
      n.children ??= new Map();
      let next = n.children.get(name);
      if (next === undefined) n.children.set(name, (next = node()));
      n = next;
      clearedAbove ||= n.cleared === this.layer;
    }
    if (file.type !== "directory" && !clearedAbove) this.clearBelow(n);
    n.file = file;
    n.written = this.layer;
  }

  /** A whiteout: `path` and all under it are gone, whichever layer wrote them. */
  remove(path: string): void {
    const found = this.find(path);
    if (found === undefined) return;
    if (found.parent !== undefined) found.parent.children?.delete(found.name);
    else [found.node.file, found.node.children] = [undefined, undefined];
  }

  /** An opaque marker in `dir`: what lower layers put under it is gone, what this layer wrote stays. */
  makeOpaque(dir: string): void {
    const found = this.find(dir);
    if (found !== undefined && !found.clearedAbove) this.clearBelow(found.node);
  }

  /** Every file, by path. */
  files(): Map<string, F> {
    const out = new Map<string, F>();
    const stack: Node<F>[] = [this.root];
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      if (n.file !== undefined) out.set(n.file.path, n.file);
      // One push per child: spreading a directory of a million entries would overflow the call stack.
      for (const child of n.children?.values() ?? []) stack.push(child);
    }
    return out;
  }

  private find(path: string): { node: Node<F>; parent: Node<F> | undefined; name: string; clearedAbove: boolean } | undefined {
    let n = this.root;
    let parent: Node<F> | undefined;
    let last = "";
    let clearedAbove = n.cleared === this.layer;
    for (const name of parts(path)) {
      const next = n.children?.get(name);
      if (next === undefined) return undefined;
      [parent, n, last] = [n, next, name];
      clearedAbove ||= n.cleared === this.layer;
    }
    return { node: n, parent, name: last, clearedAbove };
  }

  /**
   * Remove what lower layers put under `top`, keeping what this layer wrote.
   * A subtree cleared before in this layer holds only this layer's paths, so it
   * is not walked again: each path is visited once per layer at most.
   */
  private clearBelow(top: Node<F>): void {
    // Post-order without recursion: a node is checked for emptiness after its children.
    const stack: Array<{ n: Node<F>; parent: Node<F>; name: string; expanded: boolean }> = [];
    const pushChildren = (n: Node<F>): void => {
      for (const [name, child] of n.children ?? []) stack.push({ n: child, parent: n, name, expanded: false });
    };
    pushChildren(top);
    while (stack.length > 0) {
      const item = stack[stack.length - 1] as (typeof stack)[number];
      if (!item.expanded) {
        item.expanded = true;
        if (item.n.written !== this.layer) item.n.file = undefined;
        if (item.n.cleared !== this.layer) pushChildren(item.n);
        continue;
      }
      stack.pop();
      if (item.n.file === undefined && (item.n.children?.size ?? 0) === 0) item.parent.children?.delete(item.name);
    }
    top.cleared = this.layer;
  }
}
