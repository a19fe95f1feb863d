import { Resolver } from '../resolver/resolver.js';
import type { Executor } from '../storage/database.js';
import { InventoryRepository } from '../storage/repositories/inventory.repository.js';

/**
 * Keeps the in-memory resolver in step with the database: each use compares the inventory
 * version (one indexed read) and rebuilds when another process or command changed it.
 */
export class ResolverCache {
  private resolver: Resolver | null = null;
  private version = -1;
  private building: Promise<Resolver> | null = null;

  constructor(private readonly db: Executor) {}

  async current(): Promise<Resolver> {
    const repo = new InventoryRepository(this.db);
    const version = await repo.version();
    if (this.resolver && version === this.version) return this.resolver;
    this.building ??= (async () => {
      try {
        const snapshot = await repo.snapshot();
        this.resolver = Resolver.build(snapshot);
        this.version = version;
        return this.resolver;
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }
}
