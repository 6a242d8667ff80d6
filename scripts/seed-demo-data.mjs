// Demo data for a freshly started platform (idempotent). The reference
// services add their seeds here as they gain data: products, stock and a demo
// customer (see the order saga issue).
const seeds = [];
for (const seed of seeds) await seed();
console.log(seeds.length ? `demo data: ${seeds.length} seeds applied` : 'demo data: nothing to seed yet');
