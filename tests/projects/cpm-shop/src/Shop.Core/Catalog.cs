namespace Shop.Core;

public record Product(int Id, string Name);

public class Catalog(string? database)
{
    public IEnumerable<Product> All() => [new Product(1, database ?? "demo")];
}
