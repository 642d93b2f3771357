/** npm run cfn — writes the CloudFormation template generated from src/db/schema.ts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATE_PATH, renderTemplate } from '../src/db/cloudformation';

const target = path.resolve(__dirname, '..', '..', TEMPLATE_PATH);
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, renderTemplate());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
