/**
 * Every story of the view rendered in Chromium with its play function: the stories stay
 * working between Storybook builds.
 */
import { expect, test } from 'vitest';
import { composeStories, setProjectAnnotations } from '@storybook/react-vite';
import { page } from 'vitest/browser';
import preview from '../../../.storybook/preview.ts';
import * as stories from './SequenceDiagram.stories.tsx';

setProjectAnnotations(preview);

for (const [name, Story] of Object.entries(composeStories(stories))) {
  test(`story ${name} renders and plays`, async () => {
    await page.viewport(1280, 800);
    await Story.run();
    expect(document.querySelector('[role="grid"][aria-label="Sequence diagram"]')).not.toBeNull();
  }, 60_000);
}
