import { render } from 'preact';
import { App } from './app.js';
import { installBufferShim } from './shims/buffer.js';
import './styles/base.css';
import './styles/traces.css';
import './styles/trace.css';
import './styles/map.css';
import './styles/intake.css';
import './styles/charts.css';
import './styles/analysis.css';

installBufferShim();
const root = document.getElementById('app');
if (root !== null) render(<App />, root);
