import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {initialSelection, moveSelection, selectedRow, visibleWindow} from '../src/ui/session-selection.js';
import {wrapLines} from '../src/util/wrap-lines.js';
import {fitHelp, mainHelp} from '../src/ui/help-text.js';
import {session} from './helpers/ui-fixtures.js';

describe('session selection', () => {
	test('follows the newest capture until the user moves up', () => {
		const three = session(3).captures;
		assert.equal(selectedRow(initialSelection, []), -1);
		assert.equal(selectedRow(initialSelection, three), 2);
		const up = moveSelection(initialSelection, 'up', three);
		assert.deepEqual(up, {index: 2, following: false});
		const four = session(4).captures;
		assert.equal(selectedRow(up, four), 1, 'stays on capture 2 as capture 4 arrives');
		const bottom = moveSelection(moveSelection(up, 'down', four), 'down', four);
		assert.deepEqual(bottom, {index: 4, following: true});
		assert.equal(selectedRow(bottom, session(5).captures), 4, 'back at the bottom, it follows again');
	});

	test('moves are clamped; page, first and last', () => {
		const ten = session(10).captures;
		assert.equal(selectedRow(moveSelection(initialSelection, 'down', ten), ten), 9);
		assert.equal(selectedRow(moveSelection(initialSelection, 'first', ten), ten), 0);
		assert.equal(selectedRow(moveSelection(moveSelection(initialSelection, 'first', ten), 'up', ten), ten), 0);
		assert.equal(selectedRow(moveSelection(initialSelection, 'pageUp', ten, 4), ten), 5);
		assert.equal(selectedRow(moveSelection({index: 1, following: false}, 'pageDown', ten, 4), ten), 4);
		assert.equal(selectedRow(moveSelection({index: 1, following: false}, 'last', ten), ten), 9);
		assert.deepEqual(moveSelection({index: 3, following: false}, 'up', []), initialSelection);
	});

	test('a selected capture that disappeared falls back to the newest', () => {
		assert.equal(selectedRow({index: 99, following: false}, session(3).captures), 2);
	});

	test('the visible window keeps the selection in view, centred where possible', () => {
		assert.deepEqual(visibleWindow(3, 2, 5), {start: 0, end: 3});
		assert.deepEqual(visibleWindow(20, 19, 5), {start: 15, end: 20});
		assert.deepEqual(visibleWindow(20, 0, 5), {start: 0, end: 5});
		assert.deepEqual(visibleWindow(20, 10, 5), {start: 8, end: 13});
		assert.deepEqual(visibleWindow(20, 10, 0), {start: 0, end: 0});
	});
});

describe('text fitting', () => {
	test('word wrap keeps words whole, cuts words longer than a line, keeps paragraphs', () => {
		assert.deepEqual(wrapLines('And so, my fellow Americans: ask not', 12), ['And so, my', 'fellow', 'Americans:', 'ask not']);
		assert.deepEqual(wrapLines('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
		assert.deepEqual(wrapLines('one\ntwo', 10), ['one', 'two']);
		assert.deepEqual(wrapLines('', 10), ['']);
	});

	test('the help line shortens, then drops the least important keys', () => {
		assert.equal(fitHelp(mainHelp, 79), 'space rec  q quit  i in  n new  ↑↓ browse  enter text  s sessions  t redo');
		assert.equal(
			fitHelp(mainHelp, 120),
			'space capture  q quit  i inputs  n new session  ↑↓ browse  enter transcript  s past sessions  t transcribe again',
		);
		assert.equal(fitHelp(mainHelp, 60), 'space rec  q quit  i in  n new  ↑↓ browse  enter text');
		assert.equal(fitHelp(mainHelp, 30), 'space rec  q quit  i in  n new');
		assert.equal(fitHelp(mainHelp, 5), '');
	});
});
