/** Growable typed-array columns: the compact storage behind the session log and its indexes. */

type TypedArray = Float64Array | Int32Array | Uint8Array | Uint32Array;
type TypedArrayCtor<T extends TypedArray> = new (length: number) => T;

abstract class Column<T extends TypedArray> {
  protected data: T;
  private readonly ctor: TypedArrayCtor<T>;
  length = 0;

  constructor(ctor: TypedArrayCtor<T>, initialCapacity = 1024) {
    this.ctor = ctor;
    this.data = new ctor(initialCapacity);
  }

  protected ensure(capacity: number): void {
    if (capacity <= this.data.length) return;
    let next = this.data.length * 2;
    while (next < capacity) next *= 2;
    const grown = new this.ctor(next);
    grown.set(this.data);
    this.data = grown;
  }

  /** Makes room for `capacity` values at once (one copy instead of repeated doubling). */
  reserve(capacity: number): void {
    this.ensure(capacity);
  }

  push(value: number): number {
    this.ensure(this.length + 1);
    this.data[this.length] = value;
    return this.length++;
  }

  get(i: number): number {
    return this.data[i] ?? 0;
  }

  set(i: number, value: number): void {
    this.data[i] = value;
  }

  /** A view of the filled part (no copy). Valid until the next push. */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

export class Float64Column extends Column<Float64Array> {
  constructor(initialCapacity?: number) {
    super(Float64Array, initialCapacity);
  }
}

export class Int32Column extends Column<Int32Array> {
  constructor(initialCapacity?: number) {
    super(Int32Array, initialCapacity);
  }
}

export class Uint8Column extends Column<Uint8Array> {
  constructor(initialCapacity?: number) {
    super(Uint8Array, initialCapacity);
  }
}

/** Strings stored once, referred to by a small integer. */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  intern(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  lookup(name: string): number | undefined {
    return this.ids.get(name);
  }

  name(id: number): string {
    const n = this.names[id];
    if (n === undefined) throw new RangeError(`no interned string with id ${id}`);
    return n;
  }

  get size(): number {
    return this.names.length;
  }

  all(): readonly string[] {
    return this.names;
  }
}
