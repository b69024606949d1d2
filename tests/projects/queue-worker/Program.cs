using queue_worker;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.Configure<QueueOptions>(builder.Configuration.GetSection("Queue"));
builder.Services.AddHostedService<Worker>();

var host = builder.Build();
host.Run();
