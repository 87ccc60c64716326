import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {shallowEqual, useStoreSelector} from '../src/ui/use-store-selector.js';
import {createValueStore} from '../src/util/store.js';

describe('useStoreSelector', () => {
	test('re-renders only when the selected part changes', async () => {
		const store = createValueStore({meter: 0, label: 'IDLE'});
		let renders = 0;
		const Label = () => {
			renders++;
			const label = useStoreSelector(store, state => ({text: state.label}), shallowEqual);
			return <Text>{label.text}</Text>;
		};
		const {lastFrame, unmount} = render(<Label />);
		assert.equal(renders, 1);
		for (let i = 1; i <= 10; i++) {
			store.set({meter: i, label: 'IDLE'});
		}
		await new Promise(resolve => setImmediate(resolve));
		assert.equal(renders, 1, 'ten meter updates, no render');
		store.set({meter: 11, label: 'RECORDING'});
		await new Promise(resolve => setImmediate(resolve));
		assert.equal(lastFrame(), 'RECORDING');
		assert.equal(renders, 2);
		unmount();
	});

	test('shallowEqual', () => {
		assert.equal(shallowEqual({a: 1, b: 'x'}, {a: 1, b: 'x'}), true);
		assert.equal(shallowEqual({a: 1}, {a: 2}), false);
		assert.equal(shallowEqual({a: 1}, {a: 1, b: 2}), false);
		assert.equal(shallowEqual(undefined, undefined), true);
		assert.equal(shallowEqual<unknown>(undefined, {}), false);
	});
});
