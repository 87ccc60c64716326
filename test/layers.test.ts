import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {repoRoot} from './helpers/fixtures.js';

/**
 * The folders of src/, lowest first: a file may import from its own folder and from folders before it,
 * never from one after it. The audio path reads in this order (wav files, the engine that fills them,
 * the sessions that keep them, the transcripts made of them); the command line comes last.
 */
const layers = ['util', 'wav', 'engine', 'session', 'codec', 'persist', 'archive', 'transcribe', 'hotkey', 'control', 'server', 'config', 'ui', 'app', 'cli'] as const;

const srcDir = path.join(repoRoot, 'src');

const sourceFiles = (dir: string): string[] =>
	readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
	});

/** Every relative import of a file (static, type-only and dynamic), as the source file it names. */
const importsOf = (file: string): string[] => {
	const text = readFileSync(file, 'utf8');
	const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)].map(match => match[1]!);
	return specifiers.map(specifier => {
		const target = path.resolve(path.dirname(file), specifier).replace(/\.js$/, '');
		const candidates = [`${target}.ts`, `${target}.tsx`];
		const found = candidates.find(candidate => files.includes(candidate));
		assert.ok(found, `${path.relative(repoRoot, file)} imports ${specifier}, which is not a source file`);
		return found;
	});
};

const files = sourceFiles(srcDir);
const graph = new Map(files.map(file => [file, importsOf(file)]));
const folderOf = (file: string): string => path.relative(srcDir, file).split(path.sep)[0]!;
const name = (file: string): string => path.relative(srcDir, file);

/** Strongly connected components with more than one member (or a self-import): the import loops. */
const loops = (nodes: Map<string, readonly string[]>): string[][] => {
	let counter = 0;
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const visit = (node: string): void => {
		index.set(node, counter);
		low.set(node, counter);
		counter++;
		stack.push(node);
		onStack.add(node);
		for (const next of nodes.get(node) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node)!, low.get(next)!));
			} else if (onStack.has(next)) {
				low.set(node, Math.min(low.get(node)!, index.get(next)!));
			}
		}
		if (low.get(node) === index.get(node)) {
			const component: string[] = [];
			let member: string;
			do {
				member = stack.pop()!;
				onStack.delete(member);
				component.push(member);
			} while (member !== node);
			if (component.length > 1 || (nodes.get(node) ?? []).includes(node)) {
				found.push(component.sort());
			}
		}
	};
	for (const node of nodes.keys()) {
		if (!index.has(node)) {
			visit(node);
		}
	}
	return found;
};

describe('source layout', () => {
	it('has no import loop between files', () => {
		assert.deepEqual(
			loops(graph).map(component => component.map(name)),
			[],
		);
	});

	it('imports downward only: each folder from itself and the folders below it', () => {
		const wrong: string[] = [];
		for (const [file, imports] of graph) {
			const from = folderOf(file);
			const fromLayer = layers.indexOf(from as (typeof layers)[number]);
			if (fromLayer === -1) {
				// Files at the top of src/ (the bin entry) may import anything.
				assert.ok(!file.slice(srcDir.length + 1).includes(path.sep), `src/${from}/ is not in the layer list of this test: place it`);
				continue;
			}
			for (const target of imports) {
				const to = folderOf(target);
				const toLayer = layers.indexOf(to as (typeof layers)[number]);
				if (toLayer > fromLayer) {
					wrong.push(`${name(file)} imports ${name(target)} (${to}/ is above ${from}/)`);
				}
			}
		}
		assert.deepEqual(wrong, []);
	});
});
