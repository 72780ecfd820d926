// Syntax check of every .bicep file under infra/ with tree-sitter-bicep (prebuilt, no Bicep CLI needed on this machine).
// Reports each ERROR or MISSING node with file:line:column; exits 1 if any file has one. CI also runs `az bicep build`.
//   node infra/check-bicep.mjs [files...]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Parser from 'tree-sitter';
import Bicep from 'tree-sitter-bicep';

const here = dirname(fileURLToPath(import.meta.url));

function bicepFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? bicepFiles(path) : name.endsWith('.bicep') ? [path] : [];
  });
}

function problems(node, found = []) {
  if (node.type === 'ERROR' || node.isMissing) {
    found.push({ kind: node.isMissing ? `MISSING ${node.type}` : 'ERROR', at: node.startPosition, text: node.text.slice(0, 60) });
  }
  // Children of an ERROR node are reported through it; walking into them only repeats the same fault.
  if (node.type !== 'ERROR') for (const child of node.children) problems(child, found);
  return found;
}

const files = process.argv.length > 2 ? process.argv.slice(2) : bicepFiles(here);
const parser = new Parser();
parser.setLanguage(Bicep);
let failed = 0;
for (const file of files) {
  // tree-sitter's default buffer is 32 KB; size it to the file so large templates parse whole.
  const source = readFileSync(file, 'utf8');
  const tree = parser.parse(source, undefined, { bufferSize: Buffer.byteLength(source) * 2 + 1024 });
  const found = problems(tree.rootNode);
  const name = relative(process.cwd(), file);
  if (found.length === 0) {
    console.log(`ok    ${name}`);
    continue;
  }
  failed++;
  for (const p of found) console.log(`error ${name}:${p.at.row + 1}:${p.at.column + 1} ${p.kind} near ${JSON.stringify(p.text)}`);
}
console.log(`${files.length} Bicep file(s) checked, ${failed} with syntax errors`);
process.exit(failed === 0 && files.length > 0 ? 0 : 1);
