import { render } from 'preact';
import { App } from './app';
import { connectionFromLocation } from './connection';
import './styles.css';

render(
  <App connection={connectionFromLocation(window.location)} />,
  document.getElementById('app')!,
);
