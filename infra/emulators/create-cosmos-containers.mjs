// Creates the Cosmos DB database and containers in the local emulator, as infra/bicep/modules/cosmos.bicep does in Azure
// (apps never create containers: in Azure their data-plane role cannot). CI installs @azure/cosmos just for this:
//   npm install --no-save --prefix /tmp/cosmos-tools @azure/cosmos && NODE_PATH=/tmp/cosmos-tools/node_modules node infra/emulators/create-cosmos-containers.mjs
// The key below is the emulator's published well-known key; it opens nothing but a local emulator.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { CosmosClient } = require('@azure/cosmos');
const endpoint = process.env.COSMOS_EMULATOR_ENDPOINT ?? 'http://localhost:8081/';
const key = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';
// The contexts' containers, and the operations app's (its dead-letter triage notes).
const contexts = ['orders', 'inventory', 'payments', 'shipping', 'notifications', 'checkout', 'operations'];

const client = new CosmosClient({ endpoint, key });
for (let attempt = 1; ; attempt++) {
  try {
    const { database } = await client.databases.createIfNotExists({ id: 'orderly' });
    for (const id of contexts) await database.containers.createIfNotExists({ id, partitionKey: { paths: ['/pk'] }, defaultTtl: -1 });
    await database.containers.createIfNotExists({ id: 'leases', partitionKey: { paths: ['/id'] } });
    console.log(`database orderly with ${contexts.length} context containers and leases at ${endpoint}`);
    break;
  } catch (err) {
    if (attempt === 60) throw err;
    await new Promise((r) => setTimeout(r, 2000)); // the emulator takes a while to start
  }
}
