import type { Decorator, Preview } from '@storybook/react-vite';
import '../src/app/App.css';

type Theme = 'light' | 'dark';

/**
 * Pins the theme the way the app's toggle does (useTheme): `data-theme` on <html>, which
 * App.css turns into `color-scheme`. Set before the story renders, so the first paint of a
 * story (and its screenshot) is already in the chosen theme.
 */
const withTheme: Decorator = (Story, { globals }) => {
  const wanted: unknown = globals.theme;
  const theme: Theme = wanted === 'dark' ? 'dark' : 'light';
  document.documentElement.dataset.theme = theme;
  return Story();
};

const preview: Preview = {
  decorators: [withTheme],
  globalTypes: {
    theme: {
      description: 'Light or dark, as the app’s theme toggle sets it',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light' satisfies Theme },
  parameters: {
    // App.css paints the page from the theme; Storybook's own backgrounds would hide it.
    backgrounds: { disable: true },
  },
};

export default preview;
