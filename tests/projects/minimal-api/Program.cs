var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

var greeting = builder.Configuration["Greeting"] ?? "Hello World!";

app.MapGet("/", () => greeting);
app.MapGet("/healthz", () => Results.Ok());

app.Run();
