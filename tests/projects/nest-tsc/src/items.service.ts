import { Injectable, NotFoundException } from '@nestjs/common';

export interface Item {
  sku: string;
  qty: number;
}

@Injectable()
export class ItemsService {
  private readonly items = new Map<string, Item>([['A-1', { sku: 'A-1', qty: 4 }]]);

  find(sku: string): Item {
    const item = this.items.get(sku);
    if (!item) throw new NotFoundException(`no item ${sku}`);
    return item;
  }

  all(): Item[] {
    return [...this.items.values()];
  }
}
