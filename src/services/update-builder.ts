/**
 * Builds one UpdateExpression from clauses, with every attribute name and value bound to a
 * placeholder. A transaction may touch an item only once, so several changes to one item (the
 * history marker: a day, a recent award, an open draw) must be composed into a single update.
 */
export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly adds: string[] = [];
  private readonly removes: string[] = [];
  private readonly deletes: string[] = [];
  private readonly conditions: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private counter = 0;

  /** A placeholder for an attribute name or map key (any characters, including a record id). */
  name(attribute: string): string {
    const existing = Object.entries(this.names).find(([, n]) => n === attribute);
    if (existing) return existing[0];
    const placeholder = `#n${this.counter++}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.counter++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** `path` is a list of names: ['recent', id] is recent.<id>. */
  set(path: string[], value: unknown): this {
    this.sets.push(`${path.map((p) => this.name(p)).join('.')} = ${this.value(value)}`);
    return this;
  }

  setIfAbsent(attribute: string, value: unknown): this {
    const name = this.name(attribute);
    this.sets.push(`${name} = if_not_exists(${name}, ${this.value(value)})`);
    return this;
  }

  /** ADD to a number or a set (creating it when absent). Empty sets are skipped: DynamoDB refuses them. */
  add(attribute: string, value: number | Set<string>): this {
    if (value instanceof Set && value.size === 0) return this;
    this.adds.push(`${this.name(attribute)} ${this.value(value)}`);
    return this;
  }

  /** ADD a number to a nested path (its parent map must exist). */
  addPath(path: string[], value: number): this {
    this.adds.push(`${path.map((p) => this.name(p)).join('.')} ${this.value(value)}`);
    return this;
  }

  remove(path: string[]): this {
    this.removes.push(path.map((p) => this.name(p)).join('.'));
    return this;
  }

  /** DELETE elements from a set. */
  delete(attribute: string, value: Set<string>): this {
    if (value.size === 0) return this;
    this.deletes.push(`${this.name(attribute)} ${this.value(value)}`);
    return this;
  }

  /** A condition written with `name()` and `value()` placeholders. */
  condition(expression: string): this {
    this.conditions.push(`(${expression})`);
    return this;
  }

  get isEmpty(): boolean {
    return !this.sets.length && !this.adds.length && !this.removes.length && !this.deletes.length;
  }

  expression(): string {
    return [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
      this.deletes.length ? `DELETE ${this.deletes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  /** The parts of an Update (or UpdateCommand input) for `TableName` and `Key`. */
  build(tableName: string, key: Record<string, unknown>) {
    return {
      TableName: tableName,
      Key: key,
      UpdateExpression: this.expression(),
      ...(this.conditions.length ? { ConditionExpression: this.conditions.join(' AND ') } : {}),
      ...(Object.keys(this.names).length ? { ExpressionAttributeNames: { ...this.names } } : {}),
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }
}
