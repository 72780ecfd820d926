using Microsoft.Extensions.Logging;
using Orderly.Inventory.Persistence;
using Orderly.Storage;

namespace Orderly.Inventory.Http;

/// <summary>What the inventory endpoints need, injected as one parameter: the local host binds it, a Function takes it in its constructor.</summary>
public sealed record InventoryServices(IDocumentStore Store, ProductShelf Shelf, ILogger<InventoryServices> Log);
