import { render } from 'preact';
import { App } from './app.js';
import './styles/base.css';
import './styles/traces.css';
import './styles/trace.css';
import './styles/map.css';
import './styles/intake.css';

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
