import { createRoot } from 'react-dom/client';
import '../shared/styles.css';
import { ConsoleApp } from './App';

createRoot(document.getElementById('root')!).render(<ConsoleApp />);
