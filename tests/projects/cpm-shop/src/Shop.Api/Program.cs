using Serilog;
using Shop.Core;

var builder = WebApplication.CreateBuilder(args);
builder.Host.UseSerilog((context, config) => config.ReadFrom.Configuration(context.Configuration));
builder.Services.AddSingleton(new Catalog(builder.Configuration["Catalog:Database"]));
var app = builder.Build();

app.MapGet("/products", (Catalog catalog) => catalog.All());
app.MapGet("/healthz", () => Results.Ok());

app.Run();
