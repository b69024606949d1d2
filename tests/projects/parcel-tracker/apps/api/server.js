const http = require("node:http");
const { eta } = require("@tracker/eta");

const parcels = { "PT-1001": { hours: 20, promised: 48 }, "PT-1002": { hours: 50, promised: 48 } };

function handler(req, res) {
  if (req.url === "/healthz") {
    res.end("ok");
    return;
  }
  const id = req.url.replace(/^\/parcels\//, "");
  const parcel = parcels[id];
  if (!parcel) {
    res.statusCode = 404;
    res.end("unknown parcel");
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ id, eta: eta(parcel.hours, parcel.promised) }));
}

if (require.main === module) {
  const port = Number(process.env.PORT) || 4100;
  http.createServer(handler).listen(port, () => console.log(`listening on ${port}`));
}

module.exports = { handler };
