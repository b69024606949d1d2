import { Controller, Get, Param } from '@nestjs/common';
import { ItemsService } from './items.service';

@Controller('items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get()
  list() {
    return this.items.all();
  }

  @Get(':sku')
  one(@Param('sku') sku: string) {
    return this.items.find(sku);
  }
}
