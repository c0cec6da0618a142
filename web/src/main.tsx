import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { finishSignIn } from './api/oidc';
import { App } from './App';
import './i18n/i18n';
import './styles.css';

// Back from an issuer's sign-in: finish it before the first page, so it opens signed in.
finishSignIn()
  // The sign-in page says what went wrong.
  .catch((error: unknown) => sessionStorage.setItem('samplan.signInError', error instanceof Error ? error.message : String(error)))
  .finally(() =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
