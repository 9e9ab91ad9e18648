import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-aria-components';
import { App } from './app.tsx';
import { navigate } from './router.ts';
import { UpdatePrompt } from './shell/update-prompt.tsx';
import { applyTheme, storedThemeChoice } from './ui/themes.ts';
import './ui/tokens.css';
import './ui/ui.css';
import './styles.css';

// The theme is on <html> before the first paint: no flash of the wrong colours.
applyTheme(storedThemeChoice());

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    {/* Links and menu items of React Aria move inside the app without a reload. */}
    <RouterProvider navigate={(href) => navigate(href)}>
      <App />
      <UpdatePrompt />
    </RouterProvider>
  </StrictMode>,
);
