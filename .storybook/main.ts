import type { StorybookConfig } from '@storybook/react-vite';

// Written by hand: `storybook init` must not run here (docs/STACK.md §5). No addons yet;
// the ones Storybook 10 ships in its core (controls, actions, toolbars, viewport) are enough.
const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.stories.@(ts|tsx)', '../src/**/*.stories.@(ts|tsx)'],
  addons: [],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
};

export default config;
