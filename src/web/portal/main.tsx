import { createRoot } from 'react-dom/client';
import '../shared/styles.css';
import { PortalApp } from './App';

createRoot(document.getElementById('root')!).render(<PortalApp />);
