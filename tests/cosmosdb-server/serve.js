// Starts @zeit/cosmosdb-server (HTTPS, its own self-signed certificate) on 127.0.0.1 and a free port, prints
// "listening on PORT", and exits when its parent closes its standard input, so a crashed test host leaves no server.
// Started by tests/Orderly.Storage.Tests (CosmosTestTarget); installed by tests/run.sh.
"use strict";
const { createHttpsServer } = require("@zeit/cosmosdb-server");

const server = createHttpsServer().listen(0, "127.0.0.1", () => {
  console.log(`listening on ${server.address().port}`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
